#!/bin/sh
# The full mocha run in its two stages (test/mocha/plan.cjs says which files and why). Both stages always run and
# the run fails if either did; arguments go to both (`npm run test:mocha -- --grep campaign`).
tsx test/support/ensureTestCert.ts || exit 1
export NODE_EXTRA_CA_CERTS=.cache/test-tls/cert.pem
mocha --config test/mocha/sideBySide.cjs "$@"
side=$?
mocha --config test/mocha/alone.cjs "$@" && exit $side
