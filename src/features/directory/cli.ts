import type { Command } from '../../cli.ts';
export const directoryCommands: Record<string, Command> = {};
