/**
 * Flags that several subcommands share, declared once so their names, defaults and help
 * texts cannot drift apart.
 */
import type { StringFlag } from './flags.js';

export const DEFAULT_DATA_DIR = '/var/lib/k8ts';

export const dataDirFlag = {
  kind: 'string',
  placeholder: 'DIR',
  default: DEFAULT_DATA_DIR,
  description: "Directory for this node's state: database, certificates",
} as const satisfies StringFlag;
