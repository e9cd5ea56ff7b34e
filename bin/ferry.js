#!/usr/bin/env node
'use strict';
// The ferry command runs its TypeScript sources through tsx, so a fresh clone
// works after `npm ci` with no build step; `npm run build` still emits dist/
// for packaging.
require('tsx/cjs');
require('../src/cli/main.ts');
