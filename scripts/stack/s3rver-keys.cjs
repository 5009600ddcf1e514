// Preloaded (node --require) into the s3rver process: its CLI only knows the hard-coded S3RVER/S3RVER
// key pair and answers InvalidAccessKeyId to anything else. Registers the caller's key pair too.
const { DUMMY_ACCOUNT } = require("s3rver/lib/models/account");

DUMMY_ACCOUNT.createKeyPair(process.env.S3RVER_ACCESS_KEY_ID, process.env.S3RVER_SECRET_ACCESS_KEY);
