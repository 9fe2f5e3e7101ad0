" A stand-in for github/copilot.vim's plugin/copilot.vim (tests only): its maps.
imap <script><silent><nowait><expr> <Tab> copilot#Accept()
imap <script><silent><nowait><expr> <Plug>(copilot-accept-word) copilot#AcceptWord()
imap <script><silent><nowait><expr> <Plug>(copilot-accept-line) copilot#AcceptLine()
imap <M-Right> <Plug>(copilot-accept-word)
