#!/bin/sh
# The full mocha run in its two stages (test/mocha/plan.cjs says which files and why). Both stages always run and
# the run fails if either did; arguments go to both (`npm run test:mocha -- --grep campaign`).
#
# With STATIC_CHECKS=1 (`npm test`) the build comes first and the type check and the lint run beside it and the
# first stage, which waits on stand-ins and built bots for about a fifth of its time: they fill that time instead
# of running before it on their own. The timing-sensitive second stage starts only once they have finished.
tsx test/support/ensureTestCert.ts || exit 1
export NODE_EXTRA_CA_CERTS=.cache/test-tls/cert.pem
if [ "$STATIC_CHECKS" = 1 ]; then
  run-p --continue-on-error --aggregate-output --print-label typecheck lint test:built-side-by-side
else
  mocha --config test/mocha/sideBySide.cjs "$@"
fi
side=$?
mocha --config test/mocha/alone.cjs "$@" && exit $side
