"""casefile"""
