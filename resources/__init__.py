"""Files shipped with CustSeg: the sample customers (and the code that makes them), icons."""
