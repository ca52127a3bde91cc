#!/usr/bin/env node
// Development entry: loads commands from the build without trusting a cached manifest. CommonJS, like run.js.
'use strict';
const { join } = require('node:path');

void import('@oclif/core').then(({ execute }) => execute({ development: true, dir: join(__dirname, '..') }));
