// An HTTP API (payload 2.0) handler. The event type is written out here so the example needs no
// npm install; in a real project, import APIGatewayProxyEventV2 from '@types/aws-lambda'.
interface HttpApiEvent {
  rawPath: string;
  queryStringParameters?: Record<string, string | undefined>;
  requestContext: { http: { method: string } };
}

interface Context {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

const greeting = process.env['GREETING'] ?? 'Hello';

export const handler = async (event: HttpApiEvent, context: Context) => {
  const name = event.queryStringParameters?.['name'] ?? 'world';
  console.log(`${event.requestContext.http.method} ${event.rawPath} for ${name}`);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `${greeting}, ${name}!`, requestId: context.awsRequestId }),
  };
};
