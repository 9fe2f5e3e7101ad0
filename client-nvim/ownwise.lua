-- ownwise for Neovim 0.7+: attach the ownwise language server to every file
-- buffer and give two commands:
--   :OwnwiseInfo             the file's ownership class, why, and its AI lines
--   :OwnwiseHint {kind}      tell the server the next change came from an AI
--                            (inlineCompletion, chatEdit, agentEdit, ...)
--   :OwnwiseEndSession       end the coding session now (the explain prompt follows)
--   :OwnwiseExplain          open every pending explain prompt in one document
--   :OwnwiseFocusStart [min] start a no-AI block (default 90 minutes)
--   :OwnwiseFocusStop        stop it; :OwnwiseFocusStatus shows what is left
--   :OwnwiseFocusReflect     write the reflection of the last block
--   When a block starts or ends, the User autocmd OwnwiseFocusChanged fires
--   (vim.g.ownwise_focus holds the params): hook your AI plugins' off switch there.
-- The server asks through window/showMessageRequest and opens the explanation
-- document with window/showDocument (handled here: Neovim 0.7 has no handler).
-- It tells the server exactly which changes came from copilot.lua, copilot.vim or
-- Neovim's own inline completion, and which were pastes, puts, undos and redos
-- (see "Exact hints" below and docs/neovim.md).
-- Usage: luafile client-nvim/ownwise.lua, then lua Ownwise.setup{cmd=..., root=...}
--   (also: hints = false sends no hints; undo_keys = false leaves u and <C-r> unmapped)
Ownwise = Ownwise or {}

function Ownwise.setup(opts)
  opts = opts or {}
  local root = opts.root or vim.fn.getcwd()
  Ownwise.client_id = vim.lsp.start_client({
    name = "ownwise",
    cmd = opts.cmd or { "ownwise", "serve" },
    cmd_env = opts.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
    init_options = opts.init_options or {},
    flags = { debounce_text_changes = 0, allow_incremental_sync = true },
    handlers = {
      ["window/showDocument"] = function(_, result)
        local fname = vim.uri_to_fname(result.uri)
        vim.schedule(function() vim.cmd("edit " .. vim.fn.fnameescape(fname)) end)
        return { success = true }
      end,
      ["ownwise/focusChanged"] = function(_, result)
        vim.g.ownwise_focus = result
        local msg = result.active and string.format("ownwise: no-AI block started (%d min)", result.plannedMinutes)
          or string.format("ownwise: no-AI block over (%s)", result.endReason or "ended")
        vim.schedule(function()
          vim.notify(msg)
          vim.cmd("doautocmd <nomodeline> User OwnwiseFocusChanged")
        end)
      end,
      ["ownwise/status"] = function(_, result)
        if result then
          vim.b[vim.uri_to_bufnr(result.uri)].ownwise_status = result
        end
      end,
    },
  })
  vim.cmd([[augroup ownwise
    autocmd!
    autocmd BufEnter * lua Ownwise.attach(vim.api.nvim_get_current_buf())
  augroup END]])
  vim.cmd([[command! OwnwiseInfo lua Ownwise.info()]])
  vim.cmd([[command! -nargs=1 OwnwiseHint lua Ownwise.hint(<q-args>)]])
  vim.cmd([[command! OwnwiseEndSession lua Ownwise.command("ownwise.session.end")]])
  vim.cmd([[command! OwnwiseExplain lua Ownwise.command("ownwise.prompt.explain")]])
  vim.cmd([[command! -nargs=? OwnwiseFocusStart lua Ownwise.focus_start(<q-args>)]])
  vim.cmd([[command! OwnwiseFocusReflect lua Ownwise.command("ownwise.focus.reflect")]])
  vim.cmd([[command! OwnwiseFocusStop lua Ownwise.command("ownwise.focus.stop")]])
  vim.cmd([[command! OwnwiseFocusStatus lua Ownwise.focus_status()]])
  Ownwise.attach(vim.api.nvim_get_current_buf())
  if opts.hints ~= false then Ownwise.sense(opts) end
  return Ownwise.client_id
end

function Ownwise.client()
  return vim.lsp.get_client_by_id(Ownwise.client_id)
end

function Ownwise.attach(buf)
  if vim.bo[buf].buftype == "" and vim.api.nvim_buf_get_name(buf) ~= "" then
    vim.lsp.buf_attach_client(buf, Ownwise.client_id)
  end
end

function Ownwise.hint(kind, source)
  local buf = vim.api.nvim_get_current_buf()
  Ownwise.client().notify("ownwise/editHint", { uri = vim.uri_from_bufnr(buf), kind = kind, source = source })
end

function Ownwise.command(name, args)
  Ownwise.client().request("workspace/executeCommand", { command = name, arguments = args or {} },
    function(err) if err then vim.notify("ownwise: " .. vim.inspect(err), vim.log.levels.ERROR) end end)
end

function Ownwise.focus_start(minutes)
  -- an empty Lua table is sent as [], so leave the argument out unless a number was given
  local n = tonumber(minutes)
  Ownwise.command("ownwise.focus.start", n and { { minutes = n } } or {})
end

function Ownwise.focus_status()
  local res = Ownwise.client().request_sync("workspace/executeCommand",
    { command = "ownwise.focus.status", arguments = {} }, 5000)
  local st = res and res.result
  if st and st.active then
    vim.notify(string.format("ownwise: no-AI block, %d min left", math.floor(st.remainingSeconds / 60)))
  else
    vim.notify("ownwise: no no-AI block is running")
  end
end

function Ownwise.file_info(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  local res = Ownwise.client().request_sync("ownwise/fileInfo", { uri = vim.uri_from_bufnr(buf) }, 5000, buf)
  return res and res.result, res and res.err
end

function Ownwise.info()
  local info, err = Ownwise.file_info()
  if not info then
    vim.notify("ownwise: " .. vim.inspect(err), vim.log.levels.ERROR)
    return
  end
  vim.notify(string.format("ownwise: %s (%s)\nAI lines %d, human-modified %d, suspected %d",
    info.ownershipClass, info.rule, info.aiLines, info.humanModifiedLines, info.suspectedLines))
end

-- Exact hints ----------------------------------------------------------------
-- The hint a change gets is decided when its didChange is sent (this client's
-- notify is wrapped, so the hint always goes just before the change it names,
-- with that change's version), from what ran just before it:
--   an AI plugin's accept, wrapped by Ownwise.wrap_plugins():
--     copilot.lua   require("copilot.suggestion").accept          inlineCompletion
--                   .accept_word, .accept_line                    inlineCompletionPartial
--     copilot.vim   insert maps calling copilot#Accept() (<Tab>)  inlineCompletion
--                   copilot#AcceptWord(), copilot#AcceptLine()    inlineCompletionPartial
--     Neovim 0.12+  vim.lsp.inline_completion.get()               inlineCompletion
--   vim.paste (the terminal's paste)                                paste
--   a put ("p", "P", <C-r>") whose text is the unnamed register's   paste
--   u and <C-r> in Normal mode (mapped unless you map them)         undo, redo
-- A mark lasts until the event loop runs again and never longer than
-- Ownwise.MARK_SECONDS, so a key typed after an accept is never the AI's.

Ownwise.MARK_SECONDS = 1.0
Ownwise.sent = Ownwise.sent or {}
Ownwise._wrapped = Ownwise._wrapped or setmetatable({}, { __mode = "k" })

local function now() return vim.loop.hrtime() / 1e9 end

-- Mark the changes made until the event loop runs again as `kind`.
function Ownwise.mark(kind, source)
  local m = { kind = kind, source = source, at = now() }
  Ownwise._mark = m
  vim.schedule(function() if Ownwise._mark == m then Ownwise._mark = nil end end)
  return m
end

-- a put of whole lines arrives with its line breaks before or after the lines
local function norm(s)
  s = s:gsub("\r\n", "\n"):gsub("^\n+", ""):gsub("\n+$", "")
  return s
end

-- The hint for a didChange that inserts `text` (nil: none).
function Ownwise.decide(text)
  if text == "" then return nil end
  local m = Ownwise._mark
  if m and now() - m.at <= Ownwise.MARK_SECONDS then return m.kind, m.source end
  if #vim.trim(text) >= 2 then
    local t = norm(text)
    for _, reg in ipairs({ '"', "0" }) do
      local ok, r = pcall(vim.fn.getreg, reg)
      if ok and type(r) == "string" and r ~= "" and norm(r) == t then return "paste" end
    end
  end
  return nil
end

local function wrap_notify(client)
  if not client or client._ownwise_notify then return end
  local orig = client.notify
  client._ownwise_notify = orig
  client.notify = function(a, b, c)
    local colon = a == client  -- client:notify(m, p) (newer Neovim) or client.notify(m, p) (0.7)
    local method, params = a, b
    if colon then method, params = b, c end
    if method == "textDocument/didChange" and type(params) == "table" then
      local parts = {}
      for _, ch in ipairs(params.contentChanges or {}) do parts[#parts + 1] = ch.text or "" end
      local ok, kind, source = pcall(Ownwise.decide, table.concat(parts))
      if ok and kind then
        local hint = { uri = params.textDocument.uri, kind = kind, source = source,
                       version = params.textDocument.version }
        if colon then orig(client, "ownwise/editHint", hint) else orig("ownwise/editHint", hint) end
        table.insert(Ownwise.sent, hint)  -- the last hints sent, to look at (:lua print(vim.inspect(Ownwise.sent)))
        if #Ownwise.sent > 50 then table.remove(Ownwise.sent, 1) end
      end
    end
    if colon then return orig(a, b, c) end
    return orig(a, b)
  end
end

-- Replace tbl[name] by a function that marks what `fn` changes as `kind`
-- (only when `ready()` says there is something to accept).
function Ownwise.wrap(tbl, name, kind, source, ready)
  local fn = type(tbl) == "table" and rawget(tbl, name) or nil
  if type(fn) ~= "function" or Ownwise._wrapped[fn] then return false end
  local function wrapped(...)
    if Ownwise._busy then return fn(...) end  -- accept_word calls accept: the outer kind holds
    local okr, isready = true, true
    if ready then okr, isready = pcall(ready, ...) end
    if not (okr and isready) then return fn(...) end
    Ownwise._busy = true
    local m = { kind = kind, source = source, at = now() }
    Ownwise._mark = m
    local res = { pcall(fn, ...) }
    Ownwise._busy = false
    -- cleared after what fn scheduled (copilot.lua edits in vim.schedule)
    vim.schedule(function() if Ownwise._mark == m then Ownwise._mark = nil end end)
    if not res[1] then error(res[2], 0) end
    return unpack(res, 2, table.maxn(res))
  end
  Ownwise._wrapped[wrapped] = true
  tbl[name] = wrapped
  return true
end

-- copilot.vim: the <expr> insert maps that call copilot#Accept (its <Tab>,
-- <Plug>(copilot-accept-word), <Plug>(copilot-accept-line), and your own).
function Ownwise.vim_accept(kind)
  local ok, s = pcall(vim.fn["copilot#GetDisplayedSuggestion"])
  if ok and type(s) == "table" and type(s.text) == "string" and s.text ~= "" then
    Ownwise.mark(kind, "copilot.vim")
  end
  return ""
end

local function wrap_vim_maps()
  for _, map in ipairs(vim.api.nvim_get_keymap("i")) do
    local rhs = map.rhs or ""
    if map.expr == 1 and rhs:find("copilot#Accept") and not rhs:find("Ownwise") then
      local kind = (rhs:find("copilot#AcceptWord") or rhs:find("copilot#AcceptLine"))
        and "inlineCompletionPartial" or "inlineCompletion"
      vim.api.nvim_set_keymap("i", map.lhs, ("luaeval('Ownwise.vim_accept(_A)', '%s') . %s"):format(kind, rhs), {
        expr = true, silent = map.silent == 1, nowait = map.nowait == 1,
        noremap = map.noremap == 1, script = map.script == 1,
      })
    end
  end
end

local function inline_presented(opts)
  local ns = vim.api.nvim_get_namespaces()["nvim.lsp.inline_completion"]
  if not ns then return true end  -- cannot tell: trust the call
  local buf = (type(opts) == "table" and opts.bufnr and opts.bufnr ~= 0) and opts.bufnr or vim.api.nvim_get_current_buf()
  return #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { limit = 1 }) > 0
end

-- Wrap the AI plugins that are loaded now (idempotent; run again on
-- VimEnter and InsertEnter, so lazily loaded plugins are found).
function Ownwise.wrap_plugins()
  local sug = package.loaded["copilot.suggestion"]
  if type(sug) == "table" then
    local visible = type(sug.is_visible) == "function" and function() return sug.is_visible() end or nil
    Ownwise.wrap(sug, "accept", "inlineCompletion", "copilot.lua", visible)
    Ownwise.wrap(sug, "accept_word", "inlineCompletionPartial", "copilot.lua", visible)
    Ownwise.wrap(sug, "accept_line", "inlineCompletionPartial", "copilot.lua", visible)
  end
  local ic = vim.lsp.inline_completion
  if type(ic) == "table" then
    Ownwise.wrap(ic, "get", "inlineCompletion", "vim.lsp.inline_completion", inline_presented)
  end
  Ownwise.wrap(vim, "paste", "paste", nil, nil)
  wrap_vim_maps()
end

-- u and <C-r>: for your own maps, call Ownwise.history("undo") / ("redo") in them.
function Ownwise.history(kind)
  Ownwise.mark(kind)
  return kind == "undo" and "u" or vim.api.nvim_replace_termcodes("<C-r>", true, false, true)
end

function Ownwise.sense(opts)
  wrap_notify(Ownwise.client())
  Ownwise.wrap_plugins()
  if opts.undo_keys ~= false then
    for lhs, kind in pairs({ u = "undo", ["<C-R>"] = "redo" }) do
      if vim.fn.maparg(lhs, "n") == "" then
        vim.api.nvim_set_keymap("n", lhs, ("luaeval('Ownwise.history(_A)', '%s')"):format(kind),
          { expr = true, noremap = true })
      end
    end
  end
  vim.cmd([[augroup ownwise_plugins
    autocmd!
    autocmd VimEnter,InsertEnter * lua Ownwise.wrap_plugins(); vim.schedule(Ownwise.wrap_plugins)
  augroup END]])
end

return Ownwise
