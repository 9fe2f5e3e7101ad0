" A stand-in for github/copilot.vim's autoload/copilot.vim (tests only): the
" functions ownwise.lua relies on, with the real ones' names and return values.
" The suggestion shown is g:standin_suggestion, set by the test.
let g:standin_suggestion = get(g:, 'standin_suggestion', '')

function! copilot#GetDisplayedSuggestion() abort
  return {'text': g:standin_suggestion, 'uuid': 'standin', 'outdentSize': 0, 'deleteSize': 0}
endfunction

function! copilot#TextQueuedForInsertion() abort
  try
    return remove(s:, 'suggestion_text')
  catch
    return ''
  endtry
endfunction

" As the real copilot#Accept: the keys that insert the (partial) text, or the fallback.
function! copilot#Accept(...) abort
  let s = copilot#GetDisplayedSuggestion()
  if !empty(s.text)
    let text = ''
    if a:0 > 1
      let text = substitute(matchstr(s.text, "\n*" . '\%(' . a:2 .'\)'), "\n*$", '', '')
    endif
    if empty(text)
      let text = s.text
    endif
    let g:standin_suggestion = ''
    let s:suggestion_text = text
    return repeat("\<Left>\<Del>", s.outdentSize) . repeat("\<Del>", s.deleteSize) .
          \ "\<C-R>\<C-O>=copilot#TextQueuedForInsertion()\<CR>" . (a:0 > 1 ? '' : "\<End>")
  endif
  let default = "\t"
  if !a:0
    return default
  elseif type(a:1) == v:t_string
    return a:1
  endif
  return default
endfunction

function! copilot#AcceptWord(...) abort
  return copilot#Accept(a:0 ? a:1 : '', '\%(\k\@!.\)*\k*')
endfunction

function! copilot#AcceptLine(...) abort
  return copilot#Accept(a:0 ? a:1 : "\r", "[^\n]\\+")
endfunction
