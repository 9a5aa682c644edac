// The full suite's files that run side by side in worker processes (test/mocha/plan.cjs says which and why).
const base = require('../../.mocharc.json');
const { plan } = require('./plan.cjs');

module.exports = {
  ...base,
  // The npm Chromium unpacked once, before the workers start (two browser files could otherwise race to it).
  require: [...base.require, 'test/support/unpackChromiumOnce.ts'],
  parallel: true,
  // Three on 2 cores: the files mostly wait; a fourth made the heaviest ones starve.
  jobs: /^[1-9]\d*$/.test(process.env.TEST_JOBS ?? '') ? Number(process.env.TEST_JOBS) : 3,
  spec: plan().sideBySide,
};
