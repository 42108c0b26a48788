"""swsync.usage: one line from what a rejected command line printed."""
from swsync.usage import command_line_error


def test_argparse_error_line_after_its_usage_block():
    printed = ('usage: swsync [-h] [--config-file PATH]\n'
               '              [--level {listing,metadata,content}]\n'
               "swsync: error: argument --level: invalid choice: 'bogus'\n")
    assert command_line_error(printed) == \
        "argument --level: invalid choice: 'bogus'"


def test_the_last_error_line_wins_over_later_noise():
    printed = ('swfiller: error: first\n'
               'swfiller: error: the real one\n'
               'usage: swfiller [-h]\n')
    assert command_line_error(printed) == 'the real one'


def test_a_line_without_error_prefix_is_kept_whole():
    printed = '\nInvalid value for option workers: not an int\n\n'
    assert command_line_error(printed) == \
        'Invalid value for option workers: not an int'


def test_nothing_printed():
    assert command_line_error(' \n') == 'invalid command line'
