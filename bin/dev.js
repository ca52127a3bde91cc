#!/usr/bin/env node
// Development entry: loads commands from the build without trusting a cached manifest.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
