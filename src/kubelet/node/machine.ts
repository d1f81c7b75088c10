/**
 * What a real node is made of, read from the machine: CPUs, memory, the filesystem of the
 * data directory (ephemeral storage), machine and boot ids, kernel and OS image. Read
 * once at start (boot id and capacity do not change while the kubelet runs).
 */
import { readFile, statfs } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';

export interface MachineFacts {
  cpu: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
}

async function firstLine(path: string): Promise<string> {
  return (await readFile(path, 'utf8').catch(() => '')).split('\n')[0]!.trim();
}

async function osImage(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1] ?? 'Linux';
}

export async function readMachine(dataDir: string): Promise<MachineFacts> {
  const fs = await statfs(dataDir);
  const machineID = (await firstLine('/etc/machine-id')) || (await firstLine('/var/lib/dbus/machine-id'));
  const uuid = (await firstLine('/sys/class/dmi/id/product_uuid')) || machineID;
  return {
    cpu: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: fs.blocks * fs.bsize,
    machineID,
    systemUUID: uuid,
    bootID: await firstLine('/proc/sys/kernel/random/boot_id'),
    kernelVersion: release(),
    osImage: await osImage(),
  };
}
