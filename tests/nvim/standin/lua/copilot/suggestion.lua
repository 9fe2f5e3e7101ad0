-- A stand-in for zbirenbaum/copilot.lua's lua/copilot/suggestion/init.lua (tests
-- only): accept, accept_word, accept_line and is_visible with the real ones'
-- names and shapes. accept_word and accept_line call M.accept(modifier); accept
-- applies the text in vim.schedule with vim.lsp.util.apply_text_edits, after an
-- undo break. The suggestion shown is M._suggestion, set by the test.
local M = { _suggestion = nil }

function M.is_visible()
  return M._suggestion ~= nil
end

function M.accept(modifier)
  local suggestion = M._suggestion
  if not suggestion or vim.fn.empty(suggestion.text) == 1 then
    return
  end
  suggestion = vim.deepcopy(suggestion)
  if type(modifier) == "function" then
    suggestion = modifier(suggestion)
  end
  local accepted_partial = suggestion.partial_text and suggestion.partial_text ~= ""
  local newText = accepted_partial and suggestion.partial_text or suggestion.text
  if not accepted_partial then
    M._suggestion = nil
  end
  local range = suggestion.range
  vim.schedule_wrap(function()
    vim.cmd("let &undolevels=&undolevels")
    local lines = vim.split(newText, "\n", { plain = true })
    if #lines[#lines] == 0 then
      newText = newText .. "\n"
    end
    vim.lsp.util.apply_text_edits({ { range = range, newText = newText } }, vim.api.nvim_get_current_buf(), "utf-16")
  end)()
end

function M.accept_word()
  M.accept(function(suggestion)
    local range, text = suggestion.range, suggestion.text
    local character = vim.api.nvim_win_get_cursor(0)[2]
    local _, char_idx = string.find(text, "%s*%p*[^%s%p]*%s*", character + 1)
    if char_idx then
      suggestion.partial_text = string.sub(text, 1, char_idx)
      range["end"].character = char_idx
    end
    range["end"].line = range["start"].line
    return suggestion
  end)
end

function M.accept_line()
  M.accept(function(suggestion)
    local range, text = suggestion.range, suggestion.text
    local character = vim.api.nvim_win_get_cursor(0)[2]
    local next_char = string.sub(text, character + 1, character + 1)
    local _, char_idx = string.find(text, next_char == "\n" and "\n%s*[^\n]*\n%s*" or "\n%s*", character)
    if char_idx then
      suggestion.partial_text = string.sub(text, 1, char_idx)
      range["end"].character = char_idx
    end
    range["end"].line = range["start"].line
    return suggestion
  end)
end

-- as copilot.lua's set_keymap: the insert keymaps call M.accept* when a suggestion shows
function M.set_keymap(keymap)
  vim.keymap.set("i", keymap.accept, function() if M.is_visible() then M.accept() end end)
  vim.keymap.set("i", keymap.accept_word, function() if M.is_visible() then M.accept_word() end end)
  vim.keymap.set("i", keymap.accept_line, function() if M.is_visible() then M.accept_line() end end)
end

return M
