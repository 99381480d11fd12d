export const CHROMIUM_ARGS: string[];
export function locateBrowser(): Promise<string | undefined>;
export function findOrInstallBrowser(options?: { log?: (message: string) => void }): Promise<string>;
