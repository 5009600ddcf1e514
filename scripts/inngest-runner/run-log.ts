/** What `GET /runs` shows about one run. */
export interface RunRecord {
  id: string;
  function: string;
  /** Name of the event that started the run. */
  event: string;
  status: "running" | "sleeping" | "waiting" | "completed" | "failed" | "abandoned";
  /** Most attempts any one request of the run took: 1 means nothing was retried. */
  attempts: number;
  startedAt: string;
  endedAt?: string;
  error?: string;
}

/** Keeps only recent runs, so a long dev session does not grow memory without bound. */
const LIMIT = 200;

export class RunLog {
  private readonly records: RunRecord[] = [];

  /** The returned record is live: the executor updates it as the run progresses. */
  add(record: RunRecord): RunRecord {
    this.records.push(record);
    if (this.records.length > LIMIT) this.records.shift();
    return record;
  }

  /** Newest first. */
  list(): RunRecord[] {
    return [...this.records].reverse();
  }
}
