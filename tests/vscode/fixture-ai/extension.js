// Fixture AI: a stand-in for an AI coding extension in ownwise's VS Code e2e tests.
//  - An inline completion provider for every file: when the text before the cursor on
//    its line ends with `fixtureAi.trigger` ("# ai:"), it offers `fixtureAi.completion`
//    ("\n    return sum(items)\n") as ghost text; Tab accepts it.
//  - The command `fixtureAi.insert` ("Fixture AI: Insert Block") inserts
//    `fixtureAi.insertText` at the cursor with editor.edit, like a chat/agent edit.
// If FIXTURE_AI_LOG is set in code-server's environment, each event is appended there.
const vscode = require('vscode');
const fs = require('fs');

function log(line) {
  const file = process.env.FIXTURE_AI_LOG;
  if (file) {
    try { fs.appendFileSync(file, line + '\n'); } catch (e) { /* a log must not break the fixture */ }
  }
}

function setting(name) {
  return vscode.workspace.getConfiguration('fixtureAi').get(name);
}

exports.activate = (context) => {
  log('activated');
  context.subscriptions.push(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, {
    provideInlineCompletionItems(document, position) {
      const before = document.lineAt(position.line).text.slice(0, position.character);
      if (!before.endsWith(setting('trigger'))) {
        return [];
      }
      log(`provide ${document.uri.fsPath}:${position.line}:${position.character}`);
      const text = setting('completion');
      return [new vscode.InlineCompletionItem(text, new vscode.Range(position, position))];
    },
  }));
  context.subscriptions.push(vscode.commands.registerCommand('fixtureAi.insert', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      log('insert: no active editor');
      return false;
    }
    const text = setting('insertText');
    const ok = await editor.edit((edit) => edit.insert(editor.selection.active, text));
    log(`insert ${editor.document.uri.fsPath} ok=${ok}`);
    return ok;
  }));
};

exports.deactivate = () => {};
