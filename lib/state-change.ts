/** The new value of a state key, or null once the key is gone (a tombstone on a changelog). */
export interface StateChange {
  key: string;
  value: string | null;
}
