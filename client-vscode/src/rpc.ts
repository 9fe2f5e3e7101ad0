// Every ownwise/* message through the generated contract (protocol.ts): a method's params and
// result are checked by the compiler, so the client cannot drift from the server's models.
import type { CancellationToken, Disposable, LanguageClient } from "vscode-languageclient/node";
import type { ClientNotifications, Commands, Requests, ServerNotifications } from "./protocol";

type Rpc = Pick<LanguageClient, "sendRequest" | "sendNotification" | "onNotification">;

export function request<M extends keyof Requests>(
  client: Rpc,
  method: M,
  params: Requests[M]["params"],
  token?: CancellationToken,
): Promise<Requests[M]["result"]> {
  // a token only when there is one: an extra undefined argument would turn the params into an array
  return token ? client.sendRequest(method, params, token) : client.sendRequest(method, params);
}

export function notify<M extends keyof ClientNotifications>(client: Rpc, method: M, params: ClientNotifications[M]): Promise<void> {
  return client.sendNotification(method, params);
}

export function onNotification<M extends keyof ServerNotifications>(
  client: Rpc,
  method: M,
  handler: (params: ServerNotifications[M]) => void,
): Disposable {
  return client.onNotification(method, (params: ServerNotifications[M]) => handler(params));
}

/** A server command through workspace/executeCommand, with its arguments and result typed. */
export function command<C extends keyof Commands>(client: Rpc, name: C, ...args: Commands[C]["arguments"]): Promise<Commands[C]["result"]> {
  return client.sendRequest("workspace/executeCommand", { command: name, arguments: args });
}
