export * from './ingest-data.workflow';
export * from './stream-consumers.workflow';
export * from './replay-clicks.workflow';
export * from './visitor-offer.workflow';
export * from './offer-rules.workflow';
export * from './backtest-rules.workflow';
