// Debian's Chromium, driven by playwright-core (which brings no browser of its own), with
// everything that would reach the network switched off.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

export const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) to run the browser tests and npm run docs:screenshot`;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
