import fc from 'fast-check';

// No SDK client in a test may look for credentials or the instance metadata service,
// and none may reach anything but loopback.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_DEFAULT_REGION = 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key-not-real';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'EksOomAlertsTest';

// Properties (fast-check) draw from one fixed seed, so that `npm test` and CI fail only on a change, and every
// failure can be run again. FC_SEED=random explores new inputs (`npm run test:explore`); FC_SEED=<n> replays one.
const FIXED_PROPERTY_SEED = 20261207;
const seedSetting = process.env.FC_SEED;
if (seedSetting !== 'random') {
  const seed = seedSetting === undefined ? FIXED_PROPERTY_SEED : Number(seedSetting);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not ${seedSetting}`);
  fc.configureGlobal({ seed });
}
