-- A stand-in for Neovim 0.12's vim.lsp.inline_completion (runtime/lua/vim/lsp/inline_completion.lua),
-- for the tests on Neovim 0.7, which has none: get() accepts the shown candidate (an extmark in the
-- namespace "nvim.lsp.inline_completion") with nvim_buf_set_text, or else requests one (here: nothing).
local M = { _item = nil }
local ns = vim.api.nvim_create_namespace("nvim.lsp.inline_completion")

-- show a candidate: { range = {row, col, end_row, end_col}, value = text }
function M._present(bufnr, item)
  M._item = item
  M._extmark = vim.api.nvim_buf_set_extmark(bufnr, ns, item.range[1], item.range[2],
    { virt_text = { { item.value, "Comment" } }, virt_text_pos = "overlay" })
end

function M.get(opts)
  opts = opts or {}
  local bufnr = (opts.bufnr and opts.bufnr ~= 0) and opts.bufnr or vim.api.nvim_get_current_buf()
  local item = M._item
  if not item then return end
  M._item = nil
  vim.api.nvim_buf_del_extmark(bufnr, ns, M._extmark)
  local lines = vim.split(item.value, "\n")
  vim.api.nvim_buf_set_text(bufnr, item.range[1], item.range[2], item.range[3], item.range[4], lines)
end

return M
