"""Pure extraction functions: no Scrapy, no I/O. Bytes in, plain data out."""
