"""Sample datasets, generated deterministically: Rentio (Sakila-shaped DVD rentals), shop
(customers, products, orders) and the DynamoDB Developer Guide sample tables.

The relational ones offer ``load(connection, dialect, progress=None)``; the DynamoDB one
``load(client, prefix="", progress=None)`` through a boto3 client.
"""
