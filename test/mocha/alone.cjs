// The full suite's timing-sensitive files, one after the other with nothing else running (test/mocha/plan.cjs).
const base = require('../../.mocharc.json');
const { plan } = require('./plan.cjs');

module.exports = { ...base, spec: plan().alone };
