"""CustSeg: find and understand the segments in customer data."""

__version__ = "0.1.0"
APP_NAME = "CustSeg"
