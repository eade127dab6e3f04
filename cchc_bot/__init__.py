"""CCHC Bot: the domain and services of huyện Trần Đề's CCHC reporting cycle."""
