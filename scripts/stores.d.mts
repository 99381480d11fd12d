export interface RunningStore {
  url: string;
  stop(): Promise<void>;
}
export function startRedis(options?: { log?: (message: string) => void }): Promise<RunningStore>;
export function startPostgres(options?: { log?: (message: string) => void }): Promise<RunningStore>;
