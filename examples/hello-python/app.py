"""An HTTP API (payload 2.0) handler in Python."""

import json
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    name = (event.get("queryStringParameters") or {}).get("name", "world")
    logger.info("greeting %s", name)
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": f"Hello, {name}!", "requestId": context.aws_request_id}),
    }
