// As little work as a handler can do, so the runner's own cost shows.
exports.handler = async () => ({ statusCode: 200, body: 'ok' });
