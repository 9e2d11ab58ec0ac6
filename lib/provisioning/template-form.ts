/**
 * What the template forms check besides the template body (pure; the form shows it, the action enforces it).
 */

/** An IAM role AWS IoT may assume to make the template's resources. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** The local IoT Core needs no real role; AWS needs one that trusts iot.amazonaws.com. */
export const LOCAL_PROVISIONING_ROLE_ARN = 'arn:aws:iam::123456789012:role/local-iot-fleet-provisioning';

/** A pre-provisioning hook is a Lambda function (the local IoT Core maps its ARN to an HTTP endpoint). */
export const LAMBDA_ARN_PATTERN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

/** AWS's only pre-provisioning hook payload version. */
export const PRE_PROVISIONING_PAYLOAD_VERSION = '2020-04-01';
