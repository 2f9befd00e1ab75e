#!/usr/bin/perl
# sisimai.pl - the peer of `rebound parse --jsonl` in bench/parse-bench.sh:
# every file named on the command line, or in a directory named there,
# parsed by Sisimai (4: make, 5: rise), each result printed as JSON, one
# per line.
use strict;
use warnings;
use Sisimai;

my $parse = Sisimai->can('rise') ? 'rise' : 'make';
my @files = map { -d $_ ? sort(grep { -f } glob("$_/*")) : $_ } @ARGV;
for my $file (@files) {
    my $results = Sisimai->$parse($file, 'delivered' => 1) or next;
    print $_->dump('json'), "\n" for @$results;
}
