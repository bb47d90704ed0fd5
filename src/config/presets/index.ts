import type { ConfigInput } from '../schema.js';
import { gitlabHandbook } from './gitlab-handbook.js';

export const PRESETS: Readonly<Record<string, ConfigInput>> = {
  'gitlab-handbook': gitlabHandbook,
};
