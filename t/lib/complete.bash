#!/bin/bash
# complete.bash COMPLETION-FILE 'LINE': what bash completion offers for
# LINE (the cursor at its end), one item a line, as readline would ask:
# the line is split into COMP_WORDS at blanks and at COMP_WORDBREAKS
# characters, which stay words of their own.
source /usr/share/bash-completion/bash_completion || exit 2
source "$1" || exit 2
# Only readline may change its options; the items are what matters here.
compopt() { :; }
line=$2
COMP_LINE=$line
COMP_POINT=${#line}
COMP_WORDS=()
w=
for ((k = 0; k < ${#line}; k++)); do
	c=${line:k:1}
	if [[ $c == ' ' ]]; then
		[[ -n $w ]] && COMP_WORDS+=("$w")
		w=
	elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
		[[ -n $w ]] && COMP_WORDS+=("$w")
		COMP_WORDS+=("$c")
		w=
	else
		w+=$c
	fi
done
COMP_WORDS+=("$w")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_nestbox nestbox "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
