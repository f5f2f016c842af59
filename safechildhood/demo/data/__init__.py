"""Data the demo is built from: the places and organisations of Zhambyl region, the demo staff,
and the personal names pupils are drawn from. Plain Python, no Django: the generator and its tests
read them without a database."""
