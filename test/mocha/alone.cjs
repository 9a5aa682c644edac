// The full suite's timing-sensitive files, after the others, side by side with nothing else (test/mocha/plan.cjs).
const base = require('../../.mocharc.json');
const { plan } = require('./plan.cjs');

module.exports = { ...base, parallel: true, jobs: 2, spec: plan().alone };
