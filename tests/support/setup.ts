import { afterAll } from 'vitest';
import { removeTrees } from './cli.js';

afterAll(removeTrees);
