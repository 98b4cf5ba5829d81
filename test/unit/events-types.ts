// Event types the tests read generated events as.
export type { CloudWatchLogsDecodedData, DynamoDBStreamEvent, KinesisStreamEvent, S3Event, SQSEvent } from 'aws-lambda';
export type { LambdaFunctionURLEvent as FunctionURLEvent } from 'aws-lambda';
