import fs from 'node:fs';

/*
 * The anonymiser's word lists, one entry a line in words/: data that people who know
 * the field add to, kept apart from the code that matches them. Read once, when the module loads.
 * Each URL is written out in full so that whoever packages the service can see which files it needs.
 */

function wordsIn(file: URL): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Words and phrases that carry the learning: never replaced, whatever their case or what comes before them. */
export const protectedTerms: readonly string[] = wordsIn(new URL('./words/protected-terms.txt', import.meta.url));

/** Capitalised words that are not names: sentence openers, roles, family words, days, groups. Lower case. */
export const notNames = new Set(wordsIn(new URL('./words/not-names.txt', import.meta.url)));

/** Names that are also ordinary words: matched only when capitalised, and a month only outside date phrases. */
export const wordNames = new Set(wordsIn(new URL('./words/word-names.txt', import.meta.url)));

/** Upper-case letter pairs that are abbreviations rather than someone's initials. */
export const notInitials = new Set(wordsIn(new URL('./words/not-initials.txt', import.meta.url)));

/** Titles before a name (Mr, Dr, PC, Imam): what follows is a name, and the title itself is not one. */
export const titleWords = new Set(wordsIn(new URL('./words/titles.txt', import.meta.url)));

/** Words that may stand in a school's name without making it identifiable ("St Mary's C of E Primary" needs "Mary's"). */
export const schoolWords = new Set(wordsIn(new URL('./words/school-words.txt', import.meta.url)));

/** Street names too common to identify anyone without a house number. */
export const genericStreets = new Set(wordsIn(new URL('./words/generic-streets.txt', import.meta.url)));

/** Common given names that are also dictionary words ("Kyle", "Ruby"): names wherever they stand capitalised. */
export const namesAlsoWords = new Set(wordsIn(new URL('./words/names-also-words.txt', import.meta.url)));
