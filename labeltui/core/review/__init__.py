"""Reviewing several annotators' answers: `load` reads the files into an integer table (the
shared reader of `agree`, or review's own line-by-line rules where they differ), `join` joins
the answers by item and scores them with arrays, `lines` reads a shown item's lines back by
line number, `compare` scores and normalises answers, `session` is the queue and the gold file
a reviewer writes."""
