"""A block of one column's cells seen as one run of bytes, so that questions about every cell
(does it start with '-', hold a comma, look like a number?) are answered by numpy over the
bytes instead of by Python once per cell.

The cells are joined with NUL bytes (which no cell of a table as read holds) and encoded as
UTF-8; a character outside ASCII is never one of the characters these questions ask about.
"""

from __future__ import annotations

import numpy as np

JOIN = "\x00"


def byte_class(characters: str, high: bool = False) -> np.ndarray:
    """A lookup table: True for these (ASCII) characters, and for every non-ASCII byte when
    `high`."""
    table = np.zeros(256, dtype=bool)
    table[[ord(character) for character in characters]] = True
    if high:
        table[128:] = True
    return table


DIGITS = "0123456789"
NUMBER_CHARACTERS = byte_class(DIGITS + ".-")
NOT_NUMBER = ~NUMBER_CHARACTERS
MINUS, POINT = byte_class("-"), byte_class(".")


class CellBytes:
    """The cells of a block, as bytes with the boundaries of every cell."""

    def __init__(self, cells: np.ndarray):
        self.cells = cells
        self.joined = JOIN.join(cells)  # TypeError when a cell is not text
        data = (JOIN + self.joined + JOIN).encode("utf-8", "surrogatepass")
        self.bytes = np.frombuffer(data, dtype=np.uint8)
        bounds = np.flatnonzero(self.bytes == 0)
        if len(bounds) != len(cells) + 1:
            raise ValueError("a cell holds a NUL character")
        self.starts, self.ends = bounds[:-1] + 1, bounds[1:]  # each cell's bytes: start..end
        self.lengths = self.ends - self.starts

    def count(self, table: np.ndarray) -> np.ndarray:
        """How many bytes of each cell are in the class `table`."""
        running = np.cumsum(table[self.bytes], dtype=np.int64)
        return running[self.ends - 1] - running[self.starts - 1]

    def any(self, table: np.ndarray) -> np.ndarray:
        return self.count(table) > 0

    def byte(self, offset) -> np.ndarray:
        """Each cell's byte at `offset` (a number or one per cell) from its start; 0 past its
        end."""
        offset = np.broadcast_to(offset, self.starts.shape)
        inside = offset < self.lengths
        return np.where(inside, self.bytes[np.minimum(self.starts + offset, self.ends)], 0)

    def last(self) -> np.ndarray:
        """Each cell's last byte; 0 for an empty cell."""
        return np.where(self.lengths > 0, self.bytes[self.ends - 1], 0)

    def cells_at(self, positions) -> np.ndarray:
        """Which cells hold these positions of `self.bytes`."""
        return np.unique(np.searchsorted(self.ends, np.asarray(positions, dtype=np.int64),
                                         side="right"))

    def followed(self, first: np.ndarray, then: np.ndarray) -> np.ndarray:
        """Which cells hold a byte of class `first` directly followed by one of `then`."""
        pairs = first[self.bytes[:-1]] & then[self.bytes[1:]]
        return self.cells_at(np.flatnonzero(pairs))

    def first_in(self, characters: str) -> np.ndarray:
        return np.isin(self.byte(0), [ord(character) for character in characters])

    def numbers(self) -> np.ndarray:
        """Which cells are numbers the workbook keeps as numbers (see sheet_rows.cell_number),
        exponents aside: -?(0|[1-9]digits)(.digits ending in 1-9)?, at most 15 digits, not
        -0, not below 0.0001."""
        length = self.lengths
        minus, points = self.count(MINUS), self.count(POINT)
        negative = self.byte(0) == ord("-")
        digits = length - minus - points
        shape = ((self.count(NOT_NUMBER) == 0) & (minus == negative) & (points <= 1)
                 & (digits >= 1) & (digits <= 15))
        body = negative.astype(np.int64)
        first, second = self.byte(body), self.byte(body + 1)
        last = self.last()
        zero, point = ord("0"), ord(".")
        leading_zero = (first == zero) & (length - body > 1) & (second != point)
        trailing_zero = (points == 1) & (last == zero)
        tiny = (first == zero) & (second == point)
        for offset in range(2, 6):
            tiny &= self.byte(body + offset) == zero
        minus_zero = negative & (length == 2) & (first == zero)
        return (shape & (first != point) & (last != point) & ~leading_zero & ~trailing_zero
                & ~tiny & ~minus_zero)
