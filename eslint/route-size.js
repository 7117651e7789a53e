// @ts-check
/*
 * House rule for route files: routes are HTTP only. A route handler (the function given to
 * app.get/post/put/patch/delete/route) stays within `handlerLines`, and a plugin function (one
 * that declares routes itself) within `pluginLines`; a longer one is doing a service's work.
 */
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'all', 'route']);

/** @param {import('estree').Node} node */
const lines = (node) => (node.loc ? node.loc.end.line - node.loc.start.line + 1 : 0);

/** @param {any} node */
function isRouteCall(node) {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    node.callee.property.type === 'Identifier' &&
    ROUTE_METHODS.has(node.callee.property.name) &&
    node.arguments.length >= 2 &&
    node.arguments[0].type !== 'SpreadElement'
  );
}

/** @type {import('eslint').Rule.RuleModule} */
export const routeSize = {
  meta: {
    type: 'suggestion',
    schema: [
      {
        type: 'object',
        properties: { handlerLines: { type: 'integer' }, pluginLines: { type: 'integer' } },
        additionalProperties: false,
      },
    ],
    messages: {
      handler: 'Route handler is {{lines}} lines (at most {{max}}): move the work into the service.',
      plugin: 'Plugin function is {{lines}} lines (at most {{max}}): split it into plugins by resource.',
    },
  },
  create(context) {
    const { handlerLines = 25, pluginLines = 60 } = context.options[0] ?? {};
    /** @type {any[]} */
    const functions = [];
    /** @type {Set<any>} */
    const plugins = new Set();
    const enter = (/** @type {any} */ node) => functions.push(node);
    const exit = (/** @type {any} */ node) => {
      functions.pop();
      if (plugins.has(node) && lines(node) > pluginLines) {
        context.report({ node, messageId: 'plugin', data: { lines: String(lines(node)), max: String(pluginLines) } });
      }
    };
    return {
      FunctionDeclaration: enter,
      FunctionExpression: enter,
      ArrowFunctionExpression: enter,
      'FunctionDeclaration:exit': exit,
      'FunctionExpression:exit': exit,
      'ArrowFunctionExpression:exit': exit,
      CallExpression(/** @type {any} */ node) {
        if (!isRouteCall(node)) return;
        if (functions.length > 0) plugins.add(functions[functions.length - 1]);
        const handler = node.arguments[node.arguments.length - 1];
        if (
          (handler.type === 'ArrowFunctionExpression' || handler.type === 'FunctionExpression') &&
          lines(handler) > handlerLines
        ) {
          context.report({
            node: handler,
            messageId: 'handler',
            data: { lines: String(lines(handler)), max: String(handlerLines) },
          });
        }
      },
    };
  },
};
