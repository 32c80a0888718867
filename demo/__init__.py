"""The offline demo: a fictional sample site about Directive 57-CT/TW, served on 127.0.0.1.

``demo.content`` loads the sample articles, ``demo.site`` renders them as several outlets'
feeds and pages (dated relative to the day the demo runs), ``demo.server`` serves the result.
Everything in ``demo/content/`` is invented; every page says so.
"""
