"""Lambda Workbench's Python runtime.

A Runtime API client that imports a handler the way the Lambda Python runtime does and runs it in
a loop, one event at a time. It runs as the environment's process, started with `python -u`, with
LAMBDA_TASK_ROOT as its working directory. Standard library only.
"""

import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

RUNTIME_API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
API_BASE = "/2018-06-01/runtime"
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
# Python 3.12 and later runtimes write non-ASCII characters as they are.
ENSURE_ASCII = os.environ.get("AWS_EXECUTION_ENV", "") not in {
    "AWS_Lambda_python3.12",
    "AWS_Lambda_python3.13",
}
# Error log lines: one record, lines joined by carriage returns, indentation kept with no-break spaces.
LINE_JOIN = "\r"
INDENT = "\u00a0"


class RuntimeFault(Exception):
    """An error the runtime reports with a Lambda error type such as Runtime.ImportModuleError."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


# ---- Runtime API ---------------------------------------------------------------------------


class RuntimeApi:
    def __init__(self, address):
        host, _, port = address.partition(":")
        self.connection = http.client.HTTPConnection(host, int(port or 80))

    def _call(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                self.connection.request(method, API_BASE + path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response, response.read()
            except (http.client.HTTPException, ConnectionError):
                # A kept-alive connection can go stale; reconnect once.
                self.connection.close()
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")

    def next(self):
        return self._call("GET", "/invocation/next")

    def respond(self, request_id, body, content_type):
        return self._call(
            "POST", "/invocation/%s/response" % request_id, body, {"Content-Type": content_type}
        )

    def error(self, request_id, error):
        return self._post_error("/invocation/%s/error" % request_id, error)

    def init_error(self, error):
        return self._post_error("/init/error", error)

    def _post_error(self, path, error):
        body = to_json(error).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Function-Error-Type": error.get("errorType") or "Unhandled",
        }
        return self._call("POST", path, body, headers)


# ---- JSON ------------------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    def default(self, o):
        # DynamoDB and others hand out Decimals; Lambda encodes them as JSON numbers.
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return float("nan")
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def to_json(value):
    return json.dumps(value, cls=_Encoder, ensure_ascii=ENSURE_ASCII)


def marshal_response(value):
    if isinstance(value, bytes):
        return value, "application/unknown"
    try:
        return to_json(value).encode("utf-8"), "application/json"
    except Exception as error:  # noqa: BLE001 - any encoding failure is the same fault
        raise RuntimeFault("Runtime.MarshalError", "Unable to marshal response: %s" % error)


# ---- logging ---------------------------------------------------------------------------------

_request_id = None


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


class _TextFormatter(logging.Formatter):
    def format(self, record):
        # One logging call is one record: newlines travel as carriage returns.
        return super().format(record).replace("\n", "\r")


class _JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", ""),
        }
        if record.exc_info:
            error_type, error, tb = record.exc_info
            entry["errorType"] = error_type.__name__ if error_type else None
            entry["errorMessage"] = str(error)
            entry["stackTrace"] = traceback.format_tb(tb)
        return to_json(entry)


class _StdoutHandler(logging.Handler):
    def emit(self, record):
        try:
            sys.stdout.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - logging must never break the handler
            self.handleError(record)


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = _StdoutHandler()
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            _TextFormatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging._nameToLevel:  # noqa: SLF001 - the public API has no lookup
        root.setLevel(level)


def log_error(error):
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON":
        entry = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "level": "ERROR"}
        entry.update(error)
        sys.stdout.write(to_json(entry) + "\n")
        return
    title = "[ERROR]"
    if error.get("errorType"):
        title += " " + error["errorType"]
    if error.get("errorMessage"):
        title += (":" if error.get("errorType") else "") + " " + error["errorMessage"]
    lines = [title]
    stack = error.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for frame in stack:
            for line in frame.splitlines():
                stripped = line.lstrip(" ")
                lines.append(INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(LINE_JOIN.join(lines) + "\n")


def error_from_exception(request_id=None):
    error_type, error, tb = sys.exc_info()
    frames = traceback.extract_tb(tb)
    # Drop this bootstrap's own frames, so the trace starts in the user's code.
    while frames and frames[0].filename == __file__:
        frames = frames[1:]
    return make_error(str(error), error_type.__name__, traceback.format_list(frames), request_id)


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


# ---- handler and context ------------------------------------------------------------------


def load_handler(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise RuntimeFault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, error))
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise RuntimeFault(
                "Runtime.BuiltInModuleConflict",
                "Cannot use built-in module %s as a handler module" % module_name,
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise RuntimeFault(
            "Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, error)
        )
    except SyntaxError as error:
        trace = ['  File "%s" Line %s\n    %s' % (error.filename, error.lineno, error.text)]
        raise RuntimeFault(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s" % (module_name, error),
            trace,
        )
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise RuntimeFault(
            "Runtime.HandlerNotFound",
            "Handler '%s' missing on module '%s'" % (function_name, module_name),
        )


class _Record(object):
    """A plain attribute holder, like the runtime's client context and identity objects."""

    def __init__(self, values=None):
        for key, value in (values or {}).items():
            setattr(self, key, value)

    def __repr__(self):
        return "%s(%r)" % (self.__class__.__name__, self.__dict__)


class ClientContext(_Record):
    client = None
    custom = None
    env = None


class CognitoIdentity(_Record):
    cognito_identity_id = None
    cognito_identity_pool_id = None


class LambdaContext(object):
    def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context, cognito_identity):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        if client_context is not None:
            self.client_context = ClientContext(client_context)
            if isinstance(self.client_context.client, dict):
                self.client_context.client = _Record(self.client_context.client)
        self.identity = CognitoIdentity()
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, message):
        sys.stdout.write(str(message))


def parse_header_json(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError as error:
        raise RuntimeFault(
            "Runtime.LambdaContextUnmarshalError", "Unable to parse %s JSON: %s" % (name, error)
        )


# ---- memory ----------------------------------------------------------------------------------


def limit_memory():
    """Caps the address space at what the interpreter uses now plus the function's memory size."""
    try:
        import resource

        memory_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"))
        if memory_mb <= 0:
            return
        with open("/proc/self/status") as status:
            baseline_kb = next(
                int(line.split()[1]) for line in status if line.startswith("VmSize:")
            )
        limit = baseline_kb * 1024 + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except Exception:  # noqa: BLE001 - a platform without /proc or rlimits runs without the cap
        pass


# ---- the loop --------------------------------------------------------------------------------


def handle(api, handler, response, body):
    global _request_id
    headers = response.headers
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    _request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    error = None
    try:
        context = LambdaContext(
            request_id,
            int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            parse_header_json(headers.get("Lambda-Runtime-Client-Context"), "Client Context"),
            parse_header_json(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity"),
        )
        content_type = headers.get("Content-Type", "application/json")
        try:
            event = json.loads(body) if content_type == "application/json" else body
        except (ValueError, RecursionError) as parse_error:
            # RecursionError: JSON nested deeper than the interpreter's stack, which Lambda's
            # Python runtime reports the same way.
            raise RuntimeFault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % parse_error)
        result, result_type = marshal_response(handler(event, context))
    except RuntimeFault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, request_id)
    except Exception:  # noqa: BLE001 - every handler failure is reported to the caller
        error = error_from_exception(request_id)
    if error is not None:
        log_error(error)
        api.error(request_id, error)
    else:
        api.respond(request_id, result, result_type)


def main():
    sys.path.insert(0, TASK_ROOT)
    setup_logging()
    limit_memory()
    api = RuntimeApi(RUNTIME_API)
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except RuntimeFault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace)
        log_error(error)
        api.init_error(error)
        sys.exit(1)
    except Exception:  # noqa: BLE001 - an exception while importing the handler's module
        error = error_from_exception()
        log_error(error)
        api.init_error(error)
        sys.exit(1)
    while True:
        try:
            response, body = api.next()
        except (ConnectionError, http.client.HTTPException):
            # The Runtime API is gone (the emulator ended): there is no one to report to.
            sys.exit(1)
        handle(api, handler, response, body)


if __name__ == "__main__":
    main()
