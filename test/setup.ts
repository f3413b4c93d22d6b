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
