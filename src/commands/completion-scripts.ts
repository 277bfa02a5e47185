/**
 * The shell completion scripts `strata completion <shell>` prints. Each asks the program itself,
 * `strata __complete -- <words so far> <current word>`, and reads back `value<TAB>description`
 * lines and a last line `:files` (let the shell add file names) or `:nofiles`. The prompt for an
 * encrypted config's password is turned off, since the terminal belongs to the shell then.
 */

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# bash completion for strata (strata completion bash)

_strata_completions() {
    local cur="\${COMP_WORDS[COMP_CWORD]}" line directive
    local -a lines values
    mapfile -t lines < <("\${COMP_WORDS[0]}" --ask-password=false __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    (( \${#lines[@]} )) || return 0
    directive="\${lines[\${#lines[@]}-1]}"
    lines=("\${lines[@]:0:\${#lines[@]}-1}")
    for line in "\${lines[@]}"; do values+=("\${line%%$'\\t'*}"); done
    COMPREPLY=("\${values[@]}")
    # A remote name ends in ":" and goes on with its path, so no space after it.
    if [[ \${#values[@]} -eq 1 && "\${values[0]}" == *: ]]; then compopt -o nospace 2>/dev/null; fi
    if [[ \${#values[@]} -eq 0 && "$directive" == ":files" ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        compopt -o filenames 2>/dev/null
    fi
    return 0
}

complete -F _strata_completions strata
`;

const ZSH = `#compdef strata
# zsh completion for strata (strata completion zsh)

_strata() {
    local -a lines described
    local line directive
    lines=("\${(@f)$(\${words[1]} --ask-password=false __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
    directive="\${lines[-1]}"
    for line in "\${(@)lines[1,-2]}"; do
        # _describe splits value from description at the first unescaped ":".
        described+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    done
    (( \${#described} )) && _describe -t strata 'strata' described -S ''
    [[ "$directive" == ":files" ]] && _files
    return 0
}

if [[ "\${funcstack[1]}" == "_strata" ]]; then
    _strata "$@"
else
    compdef _strata strata
fi
`;

const FISH = `# fish completion for strata (strata completion fish)

function __strata_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l lines ($words[1] --ask-password=false __complete -- $words[2..-1] 2>/dev/null)
    test (count $lines) -gt 0; or return
    printf '%s\\n' $lines[1..-2]
    if test "$lines[-1]" = ":files"
        __fish_complete_path (commandline -ct)
    end
end

complete -c strata -f -a '(__strata_complete)'
`;

const POWERSHELL = `# powershell completion for strata (strata completion powershell)

Register-ArgumentCompleter -Native -CommandName 'strata' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '' }
    $lines = @(& $commandAst.CommandElements[0].ToString() --ask-password=false __complete -- @words 2>$null)
    if ($lines.Count -eq 0) { return }
    foreach ($line in $lines[0..($lines.Count - 2)]) {
        $value, $description = $line -split "\`t", 2
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $description)
    }
    if ($lines[-1] -eq ':files') {
        Get-ChildItem -Path "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object {
            [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ProviderItem', $_.Name)
        }
    }
}
`;

/** The completion script for `shell`. */
export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH, powershell: POWERSHELL }[shell];
}
