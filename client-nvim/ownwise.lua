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
-- Usage: luafile client-nvim/ownwise.lua, then lua Ownwise.setup{cmd=..., root=...}
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

return Ownwise
