// The fault suite (test/faults, `npm run test:faults`): workers, servers,
// replicas and training processes killed on purpose, a read-only disk,
// malformed approvals. Slow and disruptive by nature, so `npm test` leaves it
// out; it shares the same global setup (one Temporal dev server per jest
// process), and runs its files one at a time: each one kills processes and
// waits out heartbeat timeouts, which on a 2-core machine shared with other
// work is only predictable when the files do not compete.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: [],
  testTimeout: 300_000,
  maxWorkers: 1,
};
