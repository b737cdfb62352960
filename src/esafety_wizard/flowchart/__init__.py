"""flowchart"""
