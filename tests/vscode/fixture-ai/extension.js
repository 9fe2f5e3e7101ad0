// Fixture AI: a stand-in for an AI coding extension in ownwise's VS Code e2e tests.
//  - An inline completion provider for every file: when the text before the cursor on
//    its line ends with `fixtureAi.trigger` ("# ai:"), it offers `fixtureAi.completion`
//    ("\n    return sum(items)\n") as ghost text; Tab accepts it.
//  - A next edit suggestion: when the text before the cursor ends with
//    `fixtureAi.editTrigger` ("# edit:"), it offers an inline edit (isInlineEdit) that
//    replaces the line `fixtureAi.inlineEditFrom` elsewhere in the file with
//    `fixtureAi.inlineEditTo`; Tab jumps to it, Tab again accepts it.
//  - The command `fixtureAi.insert` ("Fixture AI: Insert Block") inserts
//    `fixtureAi.insertText` at the cursor with editor.edit, like a chat/agent edit.
//  - A chat participant `@fixture` (with a language model of its own, since without
//    Copilot VS Code refuses chat requests for want of one) that edits the files of
//    `fixtureAi.chatEdits` through VS Code's chat editing (stream.textEdit), the path
//    Copilot's edit and agent modes take, waiting `fixtureAi.chatPauseMs` after each file.
// If FIXTURE_AI_LOG is set in code-server's environment, each event is appended there;
// every change of a document is logged as a JSON line with VS Code's own edit source
// (TextDocumentChangeEvent.detailedReason, a proposed API), the tests' ground truth.
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function inlineItems(document, position) {
  const before = document.lineAt(position.line).text.slice(0, position.character);
  if (before.endsWith(setting('trigger'))) {
    log(`provide ${document.uri.fsPath}:${position.line}:${position.character}`);
    return [new vscode.InlineCompletionItem(setting('completion'), new vscode.Range(position, position))];
  }
  if (before.endsWith(setting('editTrigger'))) {
    const from = setting('inlineEditFrom');
    for (let i = 0; i < document.lineCount; i++) {
      if (i !== position.line && document.lineAt(i).text === from) {
        const item = new vscode.InlineCompletionItem(setting('inlineEditTo'), document.lineAt(i).range);
        item.isInlineEdit = true;
        log(`provide-edit ${document.uri.fsPath}:${i}`);
        return [item];
      }
    }
  }
  return [];
}

async function chatHandler(request, context, stream) {
  log(`chat-request ${request.prompt}`);
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const byFile = new Map();
  for (const edit of setting('chatEdits')) {
    if (!byFile.has(edit.file)) byFile.set(edit.file, []);
    byFile.get(edit.file).push(edit);
  }
  for (const [file, edits] of byFile) {
    const uri = vscode.Uri.joinPath(folder, file);
    stream.markdown(`Editing ${file}\n\n`);
    for (const edit of edits) {
      stream.textEdit(uri, [vscode.TextEdit.insert(new vscode.Position(edit.line, 0), edit.text)]);
    }
    stream.textEdit(uri, true);
    log(`chat-edited ${file}`);
    await sleep(setting('chatPauseMs'));
  }
  stream.markdown('Done.');
  log('chat-done');
  return {};
}

exports.activate = (context) => {
  log('activated');
  context.subscriptions.push(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, {
    provideInlineCompletionItems: inlineItems,
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
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider('fixture-ai', {
    provideLanguageModelChatInformation() {
      return [{ id: 'fixture-model', name: 'Fixture Model', family: 'fixture', version: '1',
                maxInputTokens: 100000, maxOutputTokens: 10000, capabilities: { toolCalling: true },
                isUserSelectable: true }];
    },
    async provideLanguageModelChatResponse(model, messages, options, progress) {
      progress.report(new vscode.LanguageModelTextPart('ok'));
    },
    async provideTokenCount() { return 1; },
  }));
  // models load lazily: ask for ours now, so the chat view knows it before a request
  vscode.lm.selectChatModels({ vendor: 'fixture-ai' }).then((m) => log(`models ${m.length}`));
  context.subscriptions.push(vscode.chat.createChatParticipant('fixtureAi.agent', chatHandler));
  context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
    if (!e.contentChanges.length) return;
    const reason = e.detailedReason;
    log(JSON.stringify({ event: 'change', uri: e.document.uri.toString(), version: e.document.version,
                         source: reason ? reason.source : null, kind: reason && reason.metadata ? reason.metadata.kind || null : null,
                         text: e.contentChanges.map((c) => c.text).join('') }));
  }));
};

exports.deactivate = () => {};
