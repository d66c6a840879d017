/* private to a/ */
